"""Users, organizations, roles and the regions a role covers."""

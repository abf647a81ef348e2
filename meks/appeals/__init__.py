"""The contact centre: appeals by phone and portal, routing, legal deadlines, answers, public tracking."""

"""Territories: the 20 regions, their districts and settlements (KATO), monotown and village attributes."""

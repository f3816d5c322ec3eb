"""Thin views of the billing app: setup of the year, then allocation, shares and the recap."""

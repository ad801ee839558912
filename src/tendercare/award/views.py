"""Thin views: parse, call a query or service, render."""

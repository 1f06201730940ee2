"""Fleets at work: consignments, dispatch waves, vehicles on their routes."""

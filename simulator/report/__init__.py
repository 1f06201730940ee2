"""Plots and reports built from results; matplotlib only, no simulation logic."""

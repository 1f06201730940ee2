"""Plots and reports built from results; matplotlib only, no simulation logic."""

from __future__ import annotations

from simulator.report.html import build_report as build_report
from simulator.report.network_map import plot_network_map as plot_network_map
from simulator.report.page import write_report as write_report
from simulator.report.series_plots import plot_echelon_bands as plot_echelon_bands
from simulator.report.study_plots import plot_frontier as plot_frontier
from simulator.report.study_plots import plot_intervals as plot_intervals
from simulator.report.study_plots import plot_paired as plot_paired
from simulator.report.study_plots import variant_colors as variant_colors

__all__ = [
    "build_report",
    "plot_echelon_bands",
    "plot_frontier",
    "plot_intervals",
    "plot_network_map",
    "plot_paired",
    "variant_colors",
    "write_report",
]

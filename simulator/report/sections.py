"""The pieces a report page is made of: sections of tables, figures and notes, and the "how to
read this" text of each kind of section."""

from __future__ import annotations

from dataclasses import dataclass, field

from matplotlib.figure import Figure

from simulator.report.page import figure_title, png_data_uri
from simulator.report.tables import Table


@dataclass(frozen=True)
class Part:
    """One item of a section: a table, a figure (``image`` is a data URI) or a note."""

    table: Table | None = None
    image: str = ""
    alt: str = ""
    note: str = ""
    heading: str = ""

    @classmethod
    def figure(cls, figure: Figure, heading: str = "") -> Part:
        return cls(image=png_data_uri(figure), alt=figure_title(figure), heading=heading)

    @classmethod
    def missing(cls, what: str) -> Part:
        return cls(note=f"Not shown: the study has no {what}.")


@dataclass(frozen=True)
class Section:
    """A titled section: an anchor ``key``, how to read it, paragraphs, then its parts."""

    key: str
    title: str
    howto: str = ""
    paragraphs: list[str] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)


HOWTO = {
    "compare": "Each cell is the mean over all replications, plus or minus the half-width of "
    "its confidence interval: the true mean very probably lies in that range. Arrows say "
    "which direction is better; the best mean of each column is shaded. Two variants whose "
    "ranges overlap may not really differ: the next section tests that directly.",
    "paired": "Each variant is compared with the baseline replication by replication (the "
    "same random demand and delays in both), which removes most of the noise. If the interval "
    "of the difference excludes zero, the difference is very unlikely to be luck; 'better' or "
    "'worse' then follows the KPI's direction. Differences of shares are in percentage points.",
    "ranking": "Variants ranked on the study's objective. The probability of being best is how "
    "often the variant came first when the replications are resampled at random. 'In "
    "contention' marks the variants that cannot be told apart from the best; constraints are "
    "judged on the confidence interval of the mean (unclear: the interval straddles the limit).",
    "frontier": "Each point is a variant: further left is cheaper, higher serves customers "
    "better. The crosses show the uncertainty in both directions. Circled variants, joined "
    "by the dashed line, are efficient: no other variant is both cheaper and better. Choosing "
    "among them is a trade-off between cost and service; the star marks the best variant on "
    "the objective.",
    "intervals": "One panel per KPI. A dot is a variant's mean, the bar its confidence "
    "interval. The grey band is the baseline's interval: a bar far from it signals a change.",
    "bands": "For each echelon (level 0 sells to customers, higher levels supply lower ones), "
    "the line is the typical day across replications (median) and the shaded band holds 80% "
    "of them (10th to 90th percentile). Wide bands mean unpredictable stock. Backlog is what "
    "is owed and not yet delivered; ideally it stays near zero.",
    "orders": "Weekly averages of the orders an echelon places upstream (solid) and of the "
    "demand it receives (dashed). When orders swing more than demand (bullwhip ratio above 1) "
    "the variability grows on its way up the chain and upstream sites need more stock or "
    "capacity.",
    "partners": "One row per distributor, wholesaler, retailer or e-commerce centre in the "
    "baseline, averaged over replications and sorted by average rank (1 = best). 'Fill given' "
    "is how well the partner served its own customers; 'received' and 'on time' how well its "
    "supplier served it; stockout days count days with backorders or lost sales. Definitions: "
    "docs/kpis.md, Partner scorecard.",
    "channels": "Each channel's customers, per variant: what share of their demand was filled "
    "from stock, what they bought, and who keeps the money: the manufacturer (its trade price "
    "less unit cost) and the resellers between it and the consumer (consumer price less the "
    "manufacturer's price). Means over replications, plus or minus the confidence half-width.",
    "map": "One map per variant. Sites are drawn at their coordinates; line width is "
    "proportional to the mean number of units shipped on the lane per replication, and "
    "dotted lanes carried nothing. Where the scenario has a market, grey dots are customer "
    "zones (larger: more demand), red crosses zones with no stocking shop within reach, and "
    "the shaded discs each stocking shop's reach.",
}

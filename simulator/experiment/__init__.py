"""Studies: many replications of scenario variants, compared with confidence intervals.

from simulator.experiment import load_study, make_executor
study = load_study("studies/regional.yaml")
with make_executor("process") as executor:
    result = study.run(executor=executor, out="out/regional-study", progress=True)
result.summary()      # mean and confidence interval of the study's KPIs per variant
result.paired()       # paired differences against the baseline (common random numbers)
"""

from simulator.experiment.executors import SerialExecutor, make_executor
from simulator.experiment.results import StudyResult
from simulator.experiment.runs import RunSpec, run_one
from simulator.experiment.store import RunStore
from simulator.experiment.study import Study, load_study
from simulator.experiment.variants import Variant

__all__ = [
    "RunSpec",
    "RunStore",
    "SerialExecutor",
    "Study",
    "StudyResult",
    "Variant",
    "load_study",
    "make_executor",
    "run_one",
]

"""Timing helpers shared by the benchmarks: repeat, take the median, report the spread, refuse noise.

A figure whose runs disagree wildly (max/min above `MAX_RATIO`) is not
reported: the table says "unstable" instead of a number nobody should quote.
Baselines and candidates alternate run by run, so background load hits both.
"""

import platform
import statistics
import time
from dataclasses import dataclass

MAX_RATIO = 1.5  # runs of one figure may differ by at most 50%


@dataclass
class Figure:
    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def stable(self) -> bool:
        return min(self.values) > 0 and max(self.values) / min(self.values) <= MAX_RATIO

    def show(self, fmt: str = "{:.1f}", *, median_anyway: bool = False) -> str:
        """'median (min–max)'; when the runs disagree wildly, 'unstable (min..max)', or with `median_anyway`
        (a latency, whose spread is the finding) the median all the same, flagged."""
        if not self.stable and median_anyway:
            return (f"{fmt.format(self.median)} ({fmt.format(min(self.values))}–{fmt.format(max(self.values))}, "
                    f"spread over {MAX_RATIO}x)")
        if not self.stable:
            return f"unstable ({fmt.format(min(self.values))}..{fmt.format(max(self.values))})"
        return f"{fmt.format(self.median)} ({fmt.format(min(self.values))}–{fmt.format(max(self.values))})"


def alternate(runs: int, **work) -> dict[str, Figure]:
    """Call each named zero-argument function `runs` times, interleaved; returns seconds per name."""
    seconds = {name: [] for name in work}
    for _ in range(runs):
        for name, fn in work.items():
            started = time.perf_counter()
            fn()
            seconds[name].append(time.perf_counter() - started)
    return {name: Figure(values) for name, values in seconds.items()}


def ratio(numerator: Figure, denominator: Figure) -> Figure:
    """Run-by-run ratios (the runs were interleaved, so pairs saw the same background load)."""
    return Figure([a / b for a, b in zip(numerator.values, denominator.values)])


def machine() -> str:
    import os

    import torch

    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    return (f"{cpu}, {os.cpu_count()} cores, {gpu}; Python {platform.python_version()}, torch {torch.__version__}, "
            f"{torch.get_num_threads()} torch threads")

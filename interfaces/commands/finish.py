"""The command line that finishes an incomplete results folder (resume, or retry failed runs).

The experiment store says what finishing takes (:class:`~experiments.storage.experiment_store.
ResumeRequest`: the kind of experiment, its spec and folder); only the command line knows how
``plsim`` spells it.
"""

from __future__ import annotations

from experiments.storage.experiment_store import ResumeRequest

__all__ = ["finish_command", "next_step"]


def finish_command(request: ResumeRequest) -> str:
    """``plsim KIND SPEC --out DIR --resume`` (``--retry-failed`` when failures must re-run)."""
    tail = "--retry-failed" if request.retry_failed else "--resume"
    return f"plsim {request.kind} {request.spec or 'SPEC'} --out {request.folder} {tail}"


def next_step(exc: BaseException) -> str:
    """`` Run: COMMAND`` for an error that carries a resume request, else an empty string."""
    request = getattr(exc, "request", None)
    if isinstance(request, ResumeRequest):
        return f" Run: {finish_command(request)}"
    return ""

"""Students, teachers and administrators as Mesa agents: thin views on the model's arrays.

Each agent holds only its row index; every state is a property reading (and, for the main states,
writing) one row of an array the model owns, returning plain Python scalars. The dynamics never loop
over agents: they update the arrays. The agents exist so Mesa's tools (``model.agents``,
``agents_by_type``, AgentSet queries, ``DataCollector`` agent reporters, SolaraViz) work.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any, Protocol

import mesa

from simulation.parameters import ADMINISTRATOR_FACTORS, STUDENT_FACTORS, TEACHER_FACTORS
from simulation.state import AdministratorState, StudentState, TeacherState


class ArrayOwner(Protocol):
    """What an agent needs of its model: the arrays it views (the model class satisfies it, so
    this module does not import the model: no import circle, not even for type hints)."""

    @property
    def student_state(self) -> StudentState: ...

    @property
    def teacher_state(self) -> TeacherState: ...

    @property
    def administrator_state(self) -> AdministratorState: ...

    @property
    def student_teacher(self) -> Any: ...

    @property
    def teacher_agents(self) -> list[Any]: ...


class _IdCounters(weakref.WeakKeyDictionary):
    """Per-model ``unique_id`` counters that do not keep finished models alive.

    Mesa 3.3.1 keeps a counter per model in the class attribute ``Agent._ids`` (a plain dict), so
    every model ever built stays in memory with its arrays. Our agents share this weak version.
    """

    def __getitem__(self, model: mesa.Model) -> itertools.count:
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = itertools.count(1)
            self[model] = counter
            return counter


class InstitutionAgent(mesa.Agent):
    """Base of the three agent kinds: a row index into the model's arrays."""

    _ids = _IdCounters()
    model: ArrayOwner  # a mesa.Model holding the arrays (PersonalizedLearningModel)

    def __init__(self, model: ArrayOwner, row: int) -> None:
        super().__init__(model)
        self.row = row


def _row_view(state: str, array: str, cast: type = float, writable: bool = False) -> property:
    def fget(self: Any) -> Any:
        return cast(getattr(getattr(self.model, state), array)[self.row])

    def fset(self: Any, value: Any) -> None:
        getattr(getattr(self.model, state), array)[self.row] = value

    return property(fget, fset if writable else None, doc=f"``{state}.{array}[row]``")


def _column_view(state: str, array: str, column: int) -> property:
    def fget(self: Any) -> float:
        return float(getattr(getattr(self.model, state), array)[self.row, column])

    return property(fget, doc=f"``{state}.{array}[row, {column}]`` (latent, 0.5-4.5)")


class Student(InstitutionAgent):
    """A student: a view on row ``row`` of ``model.student_state``."""

    achievement = _row_view("student_state", "achievement", writable=True)
    prior_achievement = _row_view("student_state", "prior_achievement")
    aptitude = _row_view("student_state", "aptitude")
    engagement_affective = _row_view("student_state", "engagement_affective", writable=True)
    engagement_behavioural = _row_view("student_state", "engagement_behavioural", writable=True)
    self_regulation = _row_view("student_state", "self_regulation", writable=True)
    access = _row_view("student_state", "access")
    home_access = _row_view("student_state", "home_access", bool)
    has_device = _row_view("student_state", "has_device", bool)
    position = _row_view("student_state", "position")
    class_id = _row_view("student_state", "class_id", int)
    prior_quartile = _row_view("student_state", "prior_quartile", int)
    interest = _row_view("student_state", "interest", int)
    success = _row_view("student_state", "success")

    @property
    def engagement(self) -> float:
        """Mean of behavioural and affective engagement (0-1)."""
        s = self.model.student_state
        return float(0.5 * (s.engagement_affective[self.row] + s.engagement_behavioural[self.row]))

    @property
    def teacher(self) -> Teacher:
        """The teacher of this student's class."""
        return self.model.teacher_agents[int(self.model.student_teacher[self.row])]


for _j, _f in enumerate(STUDENT_FACTORS):
    setattr(Student, _f, _column_view("student_state", "competencies", _j))


class Teacher(InstitutionAgent):
    """A teacher: a view on row ``row`` of ``model.teacher_state``."""

    attitude = _row_view("teacher_state", "attitude", writable=True)
    adoption = _row_view("teacher_state", "adoption", writable=True)
    stress = _row_view("teacher_state", "stress", writable=True)
    workload_ratio = _row_view("teacher_state", "workload_ratio")
    know_how = _row_view("teacher_state", "know_how")
    trained = _row_view("teacher_state", "trained", bool)
    coached = _row_view("teacher_state", "coached", bool)
    diagnostic_noise = _row_view("teacher_state", "diagnostic_noise")

    @property
    def preparedness(self) -> float:
        """Mean of the five ISTE preparedness factors (latent, 0.5-4.5)."""
        return float(self.model.teacher_state.preparedness[self.row].mean())


for _j, _f in enumerate(TEACHER_FACTORS):
    setattr(Teacher, _f, _column_view("teacher_state", "preparedness", _j))


class Administrator(InstitutionAgent):
    """An administrator: a view on row ``row`` of ``model.administrator_state``."""

    @property
    def preparedness(self) -> float:
        """Mean of the four ISTE administrator factors (latent, 0.5-4.5)."""
        return float(self.model.administrator_state.factors[self.row].mean())


for _j, _f in enumerate(ADMINISTRATOR_FACTORS):
    setattr(Administrator, _f, _column_view("administrator_state", "factors", _j))

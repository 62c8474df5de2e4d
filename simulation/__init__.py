"""Agent-based model of personalized-learning policy in a university or school."""

from simulation.model import PersonalizedLearningModel
from simulation.params import Params
from simulation.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["Params", "PersonalizedLearningModel", "Scenario", "ScenarioError", "load_scenario"]

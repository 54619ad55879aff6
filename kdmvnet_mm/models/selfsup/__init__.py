from .cross_view_mutual_learner import CrossViewMutualLearner  # noqa: F401

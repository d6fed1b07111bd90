"""relos-planner: port and airspace planning under the India-Russia RELOS agreement."""

from .catalogue import facilities, resolve_place
from .route import Route

__all__ = ["Route", "facilities", "resolve_place"]
__version__ = "0.1.0"

"""The population root of a campaign (defined in storage/population.py, where audit verify
recomputes it too)."""

from __future__ import annotations

from storage.population import ITEM_FIELDS as ITEM_FIELDS
from storage.population import PopulationRoot as PopulationRoot
from storage.population import item_line as item_line

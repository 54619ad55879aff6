"""Converters from raw skeleton releases to mmaction2 skeleton pickles."""
from .nwucla import (NWUCLA_CLASSES, convert_nwucla, format_summary,
                     parse_nwucla_json)

__all__ = [
    'NWUCLA_CLASSES', 'convert_nwucla', 'format_summary', 'parse_nwucla_json'
]

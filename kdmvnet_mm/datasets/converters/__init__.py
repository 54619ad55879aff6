"""Converters from raw skeleton releases to mmaction2 skeleton pickles."""
from .nwucla import (NWUCLA_CLASSES, convert_nwucla, format_summary,
                     parse_nwucla_json)
from .pkummd import (convert_pkummd, format_pkummd_summary,
                     parse_pkummd_labels, parse_pkummd_skeleton,
                     parse_pkummd_split)
from .ntu_raw import (build_ntu_splits, convert_ntu_raw, format_ntu_summary,
                      load_missing_list, ntu_2d_annotation,
                      parse_ntu_skeleton)

__all__ = [
    'NWUCLA_CLASSES', 'convert_nwucla', 'format_summary', 'parse_nwucla_json',
    'convert_pkummd', 'format_pkummd_summary', 'parse_pkummd_labels',
    'parse_pkummd_skeleton', 'parse_pkummd_split', 'build_ntu_splits',
    'convert_ntu_raw', 'format_ntu_summary', 'load_missing_list',
    'ntu_2d_annotation', 'parse_ntu_skeleton'
]

"""The validation rules' constants: the norms and thresholds every reading is checked against.

Values are kept in thousandths of the register unit (litres for water in m³, thousandths of a gigacalorie
for heat), as integers, so comparisons are exact and fast.
"""

from __future__ import annotations

import datetime as dt

#: A reading time may be ahead of the server clock by this much (clock drift of concentrators).
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
#: A consumption per day above this many times the norm of the premises is flagged as implausibly high.
SUSPICIOUS_FACTOR = 5
#: Heat norm assumed per flat and day, in thousandths of a gigacalorie (0.05 Gcal: a 60 m² flat in winter).
HEAT_NORM_MILLI_PER_FLAT_DAY = 50
#: A meter whose value has not changed over this many consecutive readings ...
STUCK_READINGS = 3
#: ... spanning at least this long, while the building's input meter advanced, is flagged as stuck.
STUCK_SPAN = dt.timedelta(days=28)
#: A reading more than this long after the previous one closes a gap, filled with estimated readings.
GAP = dt.timedelta(days=35)
#: A decrease counts as a register rollover when the previous value was in the top tenth of the register
#: and the new one in the bottom tenth.
ROLLOVER_SHARE = 10
#: Readings validated and written together (memory stays bounded by this, not by the file's size).
CHUNK_SIZE = 10000

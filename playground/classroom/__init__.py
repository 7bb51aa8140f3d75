"""Classes: a teacher's task, the students who joined it, and a live board of the runs they posted.

A teacher creates a class (classes.create: a title, a dataset, the
architectures allowed, optional locked settings and end time) and gets a join
code for the students' link and a secret token for their own. Students join
with a nickname; each Train run they finish is posted to the class by itself
(posting.post_run, from ui/run_store.post), scored by its held-out test score.
The board (leaderboard.py) ranks the runs, overlays the top runs' validation curves
and counts who joined, who is training and who has posted. Everything lives
in the run store's database (store/db.py), so a class outlives a restart and
is shared by replicas.

One import for the UI: `from playground import classroom`, then
`classroom.create(...)`, `classroom.board(...)` and so on.
"""

from playground.classroom.leaderboard import Board, board
from playground.classroom.classes import (Created, Member, close, create, join, member_of, set_hide_names)
from playground.classroom.export import export_csv
from playground.classroom.nicknames import escaped
from playground.classroom.posting import post_run

__all__ = ["Board", "Created", "Member", "board", "close", "create", "escaped", "export_csv", "join", "member_of",
           "post_run", "set_hide_names"]

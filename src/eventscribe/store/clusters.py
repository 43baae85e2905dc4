"""The store's deduplicated events: clusters rebuilt in full, or from the first day changed.

Deduplication (dedup.py) is a sweep over each event type's mentions in date order,
and a cluster stays open `max_days` after its first day. A mention's cluster thus
depends only on the mentions before it: when articles change, every cluster that
closed before the first changed day minus `max_days` stays as it is, and the sweep
resumes from the clusters still open then. `cluster_members` keeps which cluster
each mention is in (and its day), to find that day and those clusters.

A new mention is also one of a *changed* article (same event ids, new content), and a
removed one is a member whose event is gone (its article was replaced): both count
from their own (old) day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from .. import dedup
from .records import event_from_dict

# What deduplication reads of each mention (dedup.Mention.from_row's arguments, in order).
MENTIONS = """SELECT e.id, e.article_id, e.event, e.actor_code, e.actor_sector,
  e.recipient_code, e.recipient_sector, e.event_loc_country_code, e.event_loc_lat, e.event_loc_lon, e.event_loc_resolution,
  e."date", e.confidence, a.outlet, a.pub_date
FROM events e JOIN articles a ON a.id = e.article_id"""
_CHUNK = 500


class ClusterMaintenance:
    """Mixed into SqlStore: cluster_events, over the store's own statements."""

    def _clusters_fingerprint(self, rule: dedup.DedupRule) -> str:
        count, latest = self._run("SELECT count(*), max(updated_at) FROM articles").fetchone()
        return f"{count}|{latest}|{rule.max_km}|{rule.max_days}"

    def cluster_events(self, rule: dedup.DedupRule | None = None, force: bool = False) -> int:
        rule = rule or dedup.DedupRule()
        fingerprint = self._clusters_fingerprint(rule)
        state = self._run("SELECT value FROM store_state WHERE key = 'clusters'").fetchone()
        if not force and state is not None and state[0] == fingerprint:
            return self._cluster_count()
        since = None if force or state is None else _changed_since(state[0], rule)
        with self.transaction():
            if since is None:
                self._recluster_all(rule)
            else:
                self._recluster_since(since, rule)
            self._run("INSERT INTO store_state (key, value) VALUES ('clusters', ?) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (fingerprint,))
        return self._cluster_count()

    def _cluster_count(self) -> int:
        return int(self._run("SELECT count(*) FROM event_clusters").fetchone()[0])

    # -- in full -------------------------------------------------------------------
    def _recluster_all(self, rule: dedup.DedupRule) -> None:
        mentions = [dedup.Mention.from_row(*row) for row in self._stream(MENTIONS, ())]
        groups = dedup.cluster(mentions, rule)
        del mentions
        self._run("DELETE FROM event_clusters")
        self._run("DELETE FROM cluster_members")
        self._write_clusters(groups)

    # -- from the first day changed ---------------------------------------------------
    def _recluster_since(self, since: dt.datetime, rule: dedup.DedupRule) -> None:
        changed = "SELECT id FROM articles WHERE updated_at > ?"
        new_first, new_undated = self._run(
            'SELECT min("date"), count(*) - count("date") FROM events '
            f"WHERE article_id IN ({changed})", (since,)).fetchone()
        # members whose event is gone, or whose article changed (its events may have moved)
        stale = f"""SELECT m.event_id, m.cluster_id, m.day FROM cluster_members m
            WHERE m.article_id IN ({changed})
               OR NOT EXISTS (SELECT 1 FROM events e WHERE e.id = m.event_id)"""
        stale_rows = self._run(stale, (since,)).fetchall()
        days = [d for d in (new_first, *(row[2] for row in stale_rows)) if d is not None]
        # undated mentions are clusters of their own: theirs are simply replaced
        undated_gone = {row[1] for row in stale_rows if row[2] is None}
        if undated_gone:
            self._delete_clusters(undated_gone)
        groups: list[list[dedup.Mention]] = []
        if new_undated:
            groups += [[dedup.Mention.from_row(*row)] for row in self._stream(
                MENTIONS + f' WHERE e."date" IS NULL AND e.article_id IN ({changed})', (since,))]
        if days:
            groups += self._resweep(_as_date(min(days)), rule)
        self._write_clusters(groups)

    def _resweep(self, first: dt.date, rule: dedup.DedupRule) -> list[list[dedup.Mention]]:
        """Replace every cluster that was open on `first` or opened after it."""
        cut = first - dt.timedelta(days=rule.max_days)
        reopened = {row[0] for row in self._run(
            "SELECT cluster_id FROM cluster_members GROUP BY cluster_id HAVING min(day) >= ?",
            (cut,)).fetchall()}
        member_of = dict(self._run(
            "SELECT event_id, cluster_id FROM cluster_members WHERE day >= ?", (cut,)).fetchall())
        resumed: dict[str, list[dedup.Mention]] = defaultdict(list)
        mentions = []
        for row in self._stream(MENTIONS + ' WHERE e."date" >= ?', (cut,)):
            mention = dedup.Mention.from_row(*row)
            if mention.day >= first:
                mentions.append(mention)  # swept again
            elif member_of.get(mention.id) in reopened:
                resumed[member_of[mention.id]].append(mention)  # as it was, still open
            # else: in a cluster closed before `first`, which stays
        self._delete_clusters(reopened)
        return dedup.cluster(mentions, rule, resumed=resumed.values())

    # -- writing ------------------------------------------------------------------------
    def _delete_clusters(self, ids: set[str]) -> None:
        ids_list = sorted(ids)
        for start in range(0, len(ids_list), _CHUNK):
            chunk = ids_list[start:start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            self._run(f"DELETE FROM event_clusters WHERE id IN ({marks})", chunk)
            self._run(f"DELETE FROM cluster_members WHERE cluster_id IN ({marks})", chunk)

    def _write_clusters(self, groups: list[list[dedup.Mention]]) -> None:
        from .sql import _json, event_row  # the store's own flattening

        for start in range(0, len(groups), _CHUNK):
            chunk = groups[start:start + _CHUNK]
            best = {dedup.best_mention(members).id: members for members in chunk}
            marks = ", ".join("?" * len(best))
            records = self._run(f"SELECT id, record FROM events WHERE id IN ({marks})",
                                list(best)).fetchall()
            rows: list[list[Any]] = []
            for event_id, record in records:
                event = dedup.cluster_record(best[event_id], event_from_dict(_json(record)))
                rows.append(event_row(event.article_id, event))
            self._insert_events("event_clusters", rows)
            members = [[m.id, dedup.cluster_id(group), m.article_id, m.day]
                       for group in chunk for m in group]
            self._insert_rows("cluster_members", ["event_id", "cluster_id", "article_id", "day"],
                              members)


def _changed_since(state: str, rule: dedup.DedupRule) -> dt.datetime | None:
    """The `updated_at` the clusters were built at, when they can be brought up to date
    from it (same rule, built by this version); None: rebuild them in full."""
    parts = state.split("|")
    if len(parts) != 4 or parts[2:] != [str(rule.max_km), str(rule.max_days)]:
        return None
    try:
        return dt.datetime.fromisoformat(parts[1])
    except ValueError:
        return None


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])

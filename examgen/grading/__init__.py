"""Grading: rosters, score sheets, aggregation of judges' marks, ranking, awards, results."""

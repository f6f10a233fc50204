"""Analysis after grading: item statistics, judge consistency, score distributions."""

//! SSF fork choice: LMD-GHOST by latest round-1 votes over valid blocks, justification and finality

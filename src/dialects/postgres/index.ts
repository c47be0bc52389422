/** Placeholder until the PostgreSQL dialect lands in this session. */
export {};

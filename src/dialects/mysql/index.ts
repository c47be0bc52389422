/** Placeholder until the MySQL dialect lands in this session. */
export {};

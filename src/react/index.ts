/**
 * yracer/react: React bindings (SyncProvider and hooks). They arrive with the
 * React issue; this entry point exists so that imports resolve and the build
 * and package exports stay stable.
 */
export {};

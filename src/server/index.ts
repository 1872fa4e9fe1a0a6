/**
 * yracer/server: the WebSocket sync server, storage adapters and the CLI
 * (Node only). They arrive with the sync issue; this entry point exists so
 * that imports resolve and the build and package exports stay stable.
 */
export {};

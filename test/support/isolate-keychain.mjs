// Loaded with --import into every test file's process (scripts/test.mjs): each file gets its own keychain service in
// the shared test keyring, inherited by the CLI and app processes it spawns, so parallel files never enumerate items
// that another file is deleting.
process.env.GRANTDESK_KEYCHAIN_SERVICE = `grantdesk-test-${process.pid}`;

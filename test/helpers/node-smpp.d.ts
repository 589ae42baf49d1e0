// node-smpp 0.5.1 ships no types; the tests use it as an independent peer implementation.
declare module "smpp";

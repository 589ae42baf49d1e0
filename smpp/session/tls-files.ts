import { readFileSync } from "node:fs";

/** TLS listener options from certificate and key file paths (SMPP_TLS_CERT / SMPP_TLS_KEY). */
export function createSmppServerTlsOptions(port: number, certPath: string | undefined, keyPath: string | undefined) {
  if (!certPath || !keyPath) throw new Error("SMPP_TLS_PORT needs SMPP_TLS_CERT and SMPP_TLS_KEY (PEM file paths)");
  return { port, cert: readFileSync(certPath), key: readFileSync(keyPath) };
}

export * from "./registry.ts";
export * from "./access.ts";
export * from "./traffic.ts";
export * from "./reviews.ts";
export * from "./content.ts";
export * from "./consents.ts";

/** esbuild bundles imported style sheets into app-<hash>.css. */
declare module "*.css";

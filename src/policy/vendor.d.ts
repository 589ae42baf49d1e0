/** OpenCC's dictionaries as shipped by opencc-js: "from to[ to…]|from to|…" (see src/policy/chinese.ts). */
declare module "opencc-js/dict/*" {
  const dictionary: string;
  export default dictionary;
}

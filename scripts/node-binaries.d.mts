export declare const NODE_VERSIONS: { readonly 22: string; readonly 24: string };
export type NodeMajor = 22 | 24;
export declare function nodeBinary(major: NodeMajor): string;

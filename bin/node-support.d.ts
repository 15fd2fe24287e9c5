/** The oldest Node major talentmatch runs on. */
export declare const MIN_NODE_MAJOR: number;
/** undefined when `version` (default: the running Node's) is supported, else the one-line reason. */
export declare function unsupportedNode(version?: string): string | undefined;

/*
 * What a lab is and what running one gives (`mksim lab NAME`, cli/lab/registry.ts).
 *   LabSpec      name, title, the doc it feeds, run(context) -> LabResult
 *   LabResult    named markdown sections (the doc's generated regions), the data (--json), the plot (SVG text)
 *   LabContext   hooks a test passes in (onImage: check each disk image a lab leaves)
 * A lab runs in virtual time with fixed seeds: two runs print the same bytes.
 */

export interface LabSection {
  /** The region's name in the doc: `<!-- mksim lab LAB SECTION -->` ... `<!-- end -->`. */
  readonly name: string;
  readonly title: string;
  /** Markdown: a table or a fenced transcript, ending without a newline. */
  readonly text: string;
}

export interface LabResult {
  readonly sections: readonly LabSection[];
  readonly data: unknown;
  /** An SVG document, plain deterministic text. */
  readonly plot: string;
}

export interface LabContext {
  /** Called with every disk image a lab's runs leave (a test runs fsck.minix on them). */
  readonly onImage?: (image: Uint8Array, what: string) => void;
}

export interface LabSpec {
  readonly name: string;
  readonly title: string;
  /** The doc under docs/labs/ whose marked regions this lab's sections generate. */
  readonly doc: string;
  /** What the plot shows (listed by `mksim lab`). */
  readonly plotDescription: string;
  run(context: LabContext): LabResult;
}

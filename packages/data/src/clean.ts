const NON_LETTER_RUNS = /[^A-Za-z]+/g;

/**
 * d2l's `read_time_machine` cleaning of one line: every run of characters outside `A-Za-z`
 * becomes one space, the line is trimmed, then lower-cased
 * (`re.sub('[^A-Za-z]+', ' ', line).strip().lower()`).
 *
 * `keepTrailingSpace` trims only the start, so a prompt such as `"time traveller "` keeps the
 * space it ends with (d2l's `predict` feeds the prefix as typed); corpus lines never use it.
 */
export function cleanD2l(line: string, options?: { keepTrailingSpace?: boolean }): string {
  const spaced = line.replace(NON_LETTER_RUNS, " ");
  const trimmed = options?.keepTrailingSpace ? spaced.trimStart() : spaced.trim();
  return trimmed.toLowerCase();
}

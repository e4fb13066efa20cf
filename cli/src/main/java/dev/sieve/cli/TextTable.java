package dev.sieve.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table: columns as wide as their widest cell, two spaces apart, numbers right-
 * aligned, no trailing spaces.
 */
public final class TextTable {

  private final List<String> headers;
  private final boolean[] right;
  private final List<List<String>> rows = new ArrayList<>();

  /**
   * @param headers column titles
   * @param rightAligned for each column, whether it is right-aligned (numbers)
   */
  public TextTable(List<String> headers, boolean... rightAligned) {
    if (rightAligned.length != headers.size()) {
      throw new IllegalArgumentException("one alignment per column");
    }
    this.headers = List.copyOf(headers);
    this.right = rightAligned.clone();
  }

  public TextTable row(String... cells) {
    return row(Arrays.asList(cells));
  }

  public TextTable row(List<String> cells) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.size() + " cells, table has " + headers.size() + " columns");
    }
    rows.add(List.copyOf(cells));
    return this;
  }

  /** The table, each line starting with {@code indent} and ending with a newline. */
  public String render(String indent) {
    int[] width = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> r : all) {
      for (int c = 0; c < width.length; c++) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> r : all) {
      StringBuilder line = new StringBuilder(indent);
      for (int c = 0; c < width.length; c++) {
        if (c > 0) {
          line.append("  ");
        }
        String cell = r.get(c);
        String pad = " ".repeat(width[c] - cell.length());
        line.append(right[c] ? pad + cell : cell + pad);
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}

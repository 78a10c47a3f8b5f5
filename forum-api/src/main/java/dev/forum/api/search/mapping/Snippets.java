package dev.forum.api.search.mapping;

/**
 * Turns a {@code ts_headline} answer into safe HTML. PostgreSQL marks the matched words with the control characters
 * {@link #START} and {@link #STOP} (removed from the text before it is highlighted, so a message cannot forge them);
 * the text is HTML-escaped, then the marks become {@code <mark>} elements, the only markup a snippet has.
 */
public final class Snippets {

    public static final char START = '\u0002';
    public static final char STOP = '\u0003';

    private Snippets() {
    }

    public static String toSafeHtml(String headline) {
        if (headline == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(headline.length() + 32);
        boolean open = false;
        for (int i = 0; i < headline.length(); i++) {
            char c = headline.charAt(i);
            switch (c) {
                case START -> {
                    if (!open) {
                        out.append("<mark>");
                        open = true;
                    }
                }
                case STOP -> {
                    if (open) {
                        out.append("</mark>");
                        open = false;
                    }
                }
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (c >= ' ' || c == '\n' || c == '\t') {
                        out.append(c);
                    }
                }
            }
        }
        if (open) {
            out.append("</mark>");
        }
        return out.toString().strip();
    }
}

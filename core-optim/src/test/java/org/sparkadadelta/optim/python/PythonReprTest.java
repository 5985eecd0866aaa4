package org.sparkadadelta.optim.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PythonReprTest {

    @Test
    void shortestRoundTripDigits() {
        assertEquals("0.1", PythonRepr.floatRepr(0.1));
        assertEquals("0.0010000000474974513", PythonRepr.floatRepr(0.0010000000474974513));
        assertEquals("0.0010000000474974513", PythonRepr.floatRepr((double) 0.001f));
        assertEquals("0.3", PythonRepr.floatRepr(0.3));
        assertEquals("0.30000000000000004", PythonRepr.floatRepr(0.1 + 0.2));
        assertEquals("0.002", PythonRepr.floatRepr(0.002));
        assertEquals("0.0020000000000000005", PythonRepr.floatRepr(Math.nextUp(0.002)));
        // JDK 17's Double.toString is not shortest for these (1.9999999999999998E23, 9.999999999999999E22,
        // 8.409999999999999E21, 5.6843418860808015E-14, 4.9E-324); Python's repr is.
        assertEquals("2e+23", PythonRepr.floatRepr(2e23));
        assertEquals("1e+23", PythonRepr.floatRepr(1e23));
        assertEquals("8.41e+21", PythonRepr.floatRepr(8.41e21));
        assertEquals("5.684341886080802e-14", PythonRepr.floatRepr(5.684341886080802e-14));
        assertEquals("9.223372036854776e+18", PythonRepr.floatRepr(0x1p63));
        assertEquals("5e-324", PythonRepr.floatRepr(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", PythonRepr.floatRepr(Double.MAX_VALUE));
        for (double d : new double[] {0.1, 1e-7, 1.5e-5, 0.0010000000474974513, 123.456, 1e22, 2.2250738585072014e-308,
                0.95, 0.99, 1e-07, 32768.0}) {
            assertEquals(d, Double.parseDouble(PythonRepr.floatRepr(d)), "round trip of " + d);
        }
    }

    @Test
    void fixedVersusExponentNotation() {
        assertEquals("1e-07", PythonRepr.floatRepr(1e-7));
        assertEquals("1.5e-05", PythonRepr.floatRepr(1.5e-5));
        assertEquals("0.0001", PythonRepr.floatRepr(0.0001));
        assertEquals("0.00015", PythonRepr.floatRepr(0.00015));
        assertEquals("1e+16", PythonRepr.floatRepr(1e16));
        assertEquals("1.234e+17", PythonRepr.floatRepr(1.234e17));
        assertEquals("1000000000000000.0", PythonRepr.floatRepr(1e15));
        assertEquals("1234567890123456.8", PythonRepr.floatRepr(1234567890123456.8));
        assertEquals("32768.0", PythonRepr.floatRepr(32768.0));
        assertEquals("1.0", PythonRepr.floatRepr(1.0));
        assertEquals("2.5", PythonRepr.floatRepr(2.5));
        assertEquals("1e+100", PythonRepr.floatRepr(1e100));
        assertEquals("-1.5e-300", PythonRepr.floatRepr(-1.5e-300));
    }

    @Test
    void specialValues() {
        assertEquals("-0.0", PythonRepr.floatRepr(-0.0));
        assertEquals("0.0", PythonRepr.floatRepr(0.0));
        assertEquals("nan", PythonRepr.floatRepr(Double.NaN));
        assertEquals("inf", PythonRepr.floatRepr(Double.POSITIVE_INFINITY));
        assertEquals("-inf", PythonRepr.floatRepr(Double.NEGATIVE_INFINITY));
        assertEquals("-0.95", PythonRepr.floatRepr(-0.95));
    }

    @Test
    void reprOfContainersAndScalars() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "adadelta");
        m.put("learning_rate", 0.001);
        m.put("steps", 10L);
        m.put("n", 3);
        m.put("use_ema", false);
        m.put("clip", null);
        m.put("ok", true);
        m.put("values", Arrays.asList(0.1, 1e-7, -0.0, 1.0));
        m.put("boundaries", List.of(1L, 2L));
        m.put("f32", 0.001f);
        assertEquals("{'name': 'adadelta', 'learning_rate': 0.001, 'steps': 10, 'n': 3, 'use_ema': False, "
                + "'clip': None, 'ok': True, 'values': [0.1, 1e-07, -0.0, 1.0], 'boundaries': [1, 2], "
                + "'f32': 0.0010000000474974513}", PythonRepr.repr(m));
        assertEquals("[]", PythonRepr.repr(List.of()));
        assertEquals("{}", PythonRepr.repr(Map.of()));
        assertEquals("[1, 2]", PythonRepr.repr(new long[] {1, 2}));
        assertEquals("[0.1, 0.2]", PythonRepr.repr(new double[] {0.1, 0.2}));
        assertEquals("None", PythonRepr.repr(null));
        assertThrows(IllegalArgumentException.class, () -> PythonRepr.repr(new Object()));
    }

    @Test
    void reprOfStringsEscapesLikePython() {
        assertEquals("'abc'", PythonRepr.repr("abc"));
        assertEquals("''", PythonRepr.repr(""));
        assertEquals("'a\\\\b'", PythonRepr.repr("a\\b")); // 'a\\b'
        assertEquals("\"it's\"", PythonRepr.repr("it's")); // Python switches to double quotes
        assertEquals("'say \"hi\"'", PythonRepr.repr("say \"hi\""));
        assertEquals("'it\\'s \"x\"'", PythonRepr.repr("it's \"x\""));
        assertEquals("'a\\nb\\tc\\r'", PythonRepr.repr("a\nb\tc\r"));
        assertEquals("'\\x00\\x7f'", PythonRepr.repr("\u0000\u007f"));
        assertEquals("'caf\u00e9 \\xa0'", PythonRepr.repr("caf\u00e9 \u00a0"));
    }
}

// redoscope driver for PHP `preg_match` (PCRE2). Run as
// `php -n -d memory_limit=<bytes> -r <this source>` (no php.ini; the memory
// limit is also set by the parent, RLIMIT_AS); the protocol is documented in
// crates/harness/src/engines/process.rs. Every string travels as
// comma-separated lowercase hex code points, so nothing in a pattern or an
// input is ever interpreted as code or protocol. Strings are UTF-8 bytes (a
// lone surrogate becomes its 3-byte form, which `u` patterns reject).

function u8(int $c): string {
    if ($c < 0x80) return chr($c);
    if ($c < 0x800) return chr(0xC0 | ($c >> 6)) . chr(0x80 | ($c & 0x3F));
    if ($c < 0x10000) return chr(0xE0 | ($c >> 12)) . chr(0x80 | (($c >> 6) & 0x3F)) . chr(0x80 | ($c & 0x3F));
    return chr(0xF0 | ($c >> 18)) . chr(0x80 | (($c >> 12) & 0x3F)) . chr(0x80 | (($c >> 6) & 0x3F)) . chr(0x80 | ($c & 0x3F));
}

function dec(?string $h): string {
    if ($h === null || $h === '') return '';
    $out = '';
    foreach (explode(',', $h) as $p) {
        if (!preg_match('/\A[0-9a-f]{1,6}\z/', $p)) throw new Exception('bad code point');
        $c = hexdec($p);
        if ($c > 0x10FFFF) throw new Exception('code point out of range');
        $out .= u8($c);
    }
    return $out;
}

function enc(string $s): string {
    $out = [];
    $n = strlen($s);
    for ($i = 0; $i < $n; ) {
        $x = ord($s[$i]);
        if ($x < 0x80) { $k = 1; $c = $x; }
        elseif ($x >= 0xF0) { $k = 4; $c = $x & 0x07; }
        elseif ($x >= 0xE0) { $k = 3; $c = $x & 0x0F; }
        elseif ($x >= 0xC0) { $k = 2; $c = $x & 0x1F; }
        else { $k = 1; $c = $x; }
        for ($j = 1; $j < $k; $j++) {
            $c = ($c << 6) | ($i + $j < $n ? ord($s[$i + $j]) & 0x3F : 0);
        }
        $out[] = dechex($c);
        $i += $k;
    }
    return implode(',', $out);
}

function say(string $line): void {
    fwrite(STDOUT, $line . "\n");
    fflush(STDOUT);
}

// Compiles `$re`; null when it compiles, else the error message.
function check(string $re): ?string {
    error_clear_last();
    if (@preg_match($re, '') !== false) return null;
    $e = error_get_last();
    return $e ? preg_replace('/^preg_match\(\): /', '', $e['message']) : preg_last_error_msg();
}

function delimited(string $p, string $mods): string {
    foreach (str_split('/#~!%@,;:=\'"`|&+-_') as $d) {
        if (strpos($p, $d) === false) return $d . $p . $d . $mods;
    }
    throw new Exception('no free delimiter for this pattern');
}

$re = null;
say("ready\t" . PHP_VERSION . ' (PCRE2 ' . explode(' ', PCRE_VERSION)[0] . ')');
while (($line = fgets(STDIN)) !== false) {
    $a = explode("\t", rtrim($line, "\n"));
    switch ($a[0]) {
    case 'compile':
        $re = null;
        try {
            $mode = $a[1] ?? '';
            $mods = $a[2] ?? '';
            if (!preg_match('/\A[a-zA-Z]*\z/', $mods)) throw new Exception('bad flags');
            $p = dec($a[3] ?? '');
            // The pattern alone first, so that wrapping it cannot turn an
            // invalid pattern into a valid one with another meaning.
            $alone = delimited($p, $mods);
            $err = check($alone);
            if ($err !== null) { say("error\t" . enc($err)); break; }
            if ($mode === 'search') {
                $r = $alone;
            } elseif ($mode === 'prefix') {
                $r = delimited($p, $mods . 'A');
            } elseif ($mode === 'full') {
                // Start-of-pattern items such as (*UTF) must stay first.
                preg_match('/\A(?:\(\*[A-Z_]+(?:=\d+)?\))*/', $p, $v);
                $body = substr($p, strlen($v[0]));
                $r = delimited($v[0] . '(?:' . $body . ')\z', $mods . 'A');
                if (check($r) !== null) {
                    // A trailing `#` comment (extended mode) swallowed the wrapper.
                    $r = delimited($v[0] . '(?:' . $body . "\n)\\z", $mods . 'A');
                }
            } else {
                throw new Exception("bad mode $mode");
            }
            $err = check($r);
            if ($err !== null) { say("error\t" . enc($err)); break; }
            $re = $r;
            say("ok\t" . enc($r));
        } catch (Throwable $e) {
            $re = null;
            say("error\t" . enc($e->getMessage()));
        }
        break;
    case 'run':
        if ($re === null) { say("fail\t" . enc('no pattern compiled')); break; }
        try {
            $s = dec($a[2] ?? '');
        } catch (Throwable $e) {
            say("fail\t" . enc($e->getMessage()));
            break;
        }
        $steps = $a[1] ?? '';
        if (preg_match('/\A[0-9]{1,10}\z/', $steps)) ini_set('pcre.backtrack_limit', $steps);
        say('start');
        $t0 = hrtime(true);
        $m = @preg_match($re, $s);
        $ns = hrtime(true) - $t0;
        if ($m === false) {
            $e = preg_last_error();
            if ($e === PREG_BACKTRACK_LIMIT_ERROR) say("limit\tsteps\t$ns");
            elseif ($e === PREG_RECURSION_LIMIT_ERROR || $e === PREG_JIT_STACKLIMIT_ERROR) say("limit\tmemory\t$ns");
            else say("fail\t" . enc(preg_last_error_msg()));
        } else {
            say("done\t$m\t$ns");
        }
        break;
    case 'echo':
        try {
            say("echo\t" . enc(dec($a[1] ?? '')) . "\t" . enc(dec($a[2] ?? '')));
        } catch (Throwable $e) {
            say("fail\t" . enc($e->getMessage()));
        }
        break;
    default:
        say("fail\t" . enc('unknown command'));
    }
}

# redoscope driver for perl. Run as `perl -e <this source>` (the memory limit
# is set by the parent, RLIMIT_AS); the protocol is documented in
# crates/harness/src/engines/process.rs. Every string travels as
# comma-separated lowercase hex code points, so nothing in a pattern or an
# input is ever interpreted as code or protocol. `use re 'eval'` is never
# enabled: a pattern with `(?{ })` or `(??{ })` is refused at compile time,
# so a pattern cannot run code.
use strict;
no warnings;
use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC);

$| = 1;
binmode STDIN;
binmode STDOUT;

sub dec {
    my ($h) = @_;
    return '' if !defined $h || $h eq '';
    my $s = '';
    for my $p (split /,/, $h, -1) {
        die "bad code point\n" unless $p =~ /\A[0-9a-f]{1,6}\z/;
        my $c = hex $p;
        die "code point out of range\n" if $c > 0x10FFFF;
        $s .= chr $c;
    }
    utf8::upgrade($s);
    return $s;
}

sub enc {
    my ($s) = @_;
    return join ',', map { sprintf '%x', ord } split //, $s;
}

sub say_line {
    print STDOUT $_[0], "\n";
}

sub now { clock_gettime(CLOCK_MONOTONIC) }

my $re;

say_line("ready\t" . sprintf('%vd', $^V));
while (my $line = <STDIN>) {
    chomp $line;
    my @a = split /\t/, $line, -1;
    my $cmd = $a[0];
    if ($cmd eq 'compile') {
        undef $re;
        my ($mode, $letters) = ($a[1], $a[2]);
        my ($inline, $unsupported) = ('', '');
        my $xs = 0;
        for my $c (split //, $letters) {
            if ($c =~ /\A[imsn]\z/) { $inline .= $c unless index($inline, $c) >= 0 }
            elsif ($c eq 'x') { $xs++ }
            elsif ($c =~ /\A[uJSX]\z/) { }
            elsif ($c =~ /\A[UDA]\z/) { $unsupported = "the PCRE flag $c has no perl equivalent" }
            else { $unsupported = "unknown flag $c" }
        }
        if ($unsupported ne '') {
            say_line("unsupported\t" . enc($unsupported));
            next;
        }
        $inline .= $xs >= 2 ? 'xx' : $xs ? 'x' : '';
        # PCRE without `u` has ASCII \d \s \w and POSIX classes: /a.
        $inline .= index($letters, 'u') >= 0 ? 'u' : 'a';
        my $p = eval { dec($a[3]) };
        if ($@) {
            say_line("error\t" . enc($@ =~ s/\s+\z//r));
            next;
        }
        my $shown = "(?$inline)$p";
        my $r = eval {
            # The pattern text is interpolated once and compiled; it is never
            # evaluated as Perl code.
            my $alone = qr/(?$inline)$p/;
            # Wrapping a compiled qr// keeps a trailing `#` comment (under x)
            # from swallowing the wrapper: perl ends it with a newline.
            if ($mode eq 'search') { $alone }
            elsif ($mode eq 'full') { $shown = "\\A(?:$shown)\\z"; qr/\A(?:$alone)\z/ }
            elsif ($mode eq 'prefix') { $shown = "\\A(?:$shown)"; qr/\A(?:$alone)/ }
            else { die "bad mode $mode\n" }
        };
        if ($@ || !defined $r) {
            my $e = "$@";
            $e =~ s/\s+\z//;
            $e =~ s/ at -e line \d+, <STDIN> line \d+\.\z//;
            say_line("error\t" . enc($e));
            next;
        }
        $re = $r;
        say_line("ok\t" . enc($shown));
    }
    elsif ($cmd eq 'run') {
        if (!defined $re) {
            say_line("fail\t" . enc('no pattern compiled'));
            next;
        }
        my $s = eval { dec($a[2]) };
        if ($@) {
            say_line("fail\t" . enc("$@"));
            next;
        }
        say_line('start');
        my $t0 = now();
        my $m = ($s =~ $re) ? 1 : 0;
        my $ns = int((now() - $t0) * 1e9);
        say_line("done\t$m\t$ns");
    }
    elsif ($cmd eq 'echo') {
        my ($p, $s) = eval { (dec($a[1]), dec($a[2])) };
        if ($@) {
            say_line("fail\t" . enc("$@"));
            next;
        }
        say_line("echo\t" . enc($p) . "\t" . enc($s));
    }
    else {
        say_line("fail\t" . enc('unknown command'));
    }
}

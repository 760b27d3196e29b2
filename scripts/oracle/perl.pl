#!/usr/bin/env perl
# Oracle: does Perl's regex compiler accept this regex? (a PCRE-like reference)
#
# Reads JSON Lines on stdin, one {"pattern": "...", "flags": "..."} per line,
# and writes one line per input, in order:
#   {"ok": true}                          qr/(?flags)$pattern/ compiled
#   {"ok": false, "error": "<message>"}   it died (Perl's message)
#   {"ok": false, "error": "...", "input_error": true}   the line was not a
#                                          valid input object (not a verdict)
# Flag letters: i, m, s, x, n (as an inline (?flags) prefix); any other letter
# is reported as a rejection. Blank lines are ignored.
#
# The pattern is data: it is interpolated into qr// once, which never
# re-interpolates variables inside it, and without `use re 'eval'` Perl refuses
# (?{ code }) and (??{ code }) in a runtime pattern, so no code can run.
use strict;
no warnings;    # warnings do not make a pattern fail; keep stderr quiet
use JSON::PP ();

my $json_in  = JSON::PP->new->utf8->allow_nonref(0);
my $json_str = JSON::PP->new->ascii->allow_nonref;

binmode STDIN;
binmode STDOUT;
$| = 0;
local $/ = "\n";

sub clean {
    my ($msg) = @_;
    $msg = "$msg";
    $msg =~ s/ at \S+ line \d+(?:, <STDIN> line \d+)?\.?\n?\z//;
    $msg =~ s/\s+\z//;
    return $msg;
}

# {"ok": ...} first, like the other oracles.
sub encode {
    my ($v) = @_;
    return '{"ok":true}' if $v->{ok};
    my $s = '{"ok":false,"error":' . $json_str->encode($v->{error});
    $s .= ',"input_error":true' if $v->{input_error};
    return $s . '}';
}

sub verdict {
    my ($line) = @_;
    my $obj = eval { $json_in->decode($line) };
    if (!defined $obj || ref $obj ne 'HASH' || !defined $obj->{pattern} || ref $obj->{pattern}) {
        my $why = $@ ? clean($@) : 'expected an object with a string "pattern"';
        return { ok => 0, error => "oracle input error: $why", input_error => 1 };
    }
    my $pattern = $obj->{pattern};
    my $flags   = defined $obj->{flags} ? $obj->{flags} : '';
    if (ref $flags) {
        return { ok => 0, error => 'oracle input error: "flags" must be a string', input_error => 1 };
    }
    if ($flags =~ /([^imsxn])/) {
        return { ok => 0, error => "unknown flag '$1'" };
    }
    my $full = length($flags) ? "(?$flags)$pattern" : $pattern;
    my $ok = eval { my $re = qr/$full/; 1 };
    return { ok => 1 } if $ok;
    my $err = $@ ne '' ? clean($@) : 'unknown error';
    return { ok => 0, error => $err };
}

while (my $line = <STDIN>) {
    $line =~ s/\r?\n\z//;
    next if $line =~ /\A\s*\z/;
    my $v = verdict($line);
    print STDOUT encode($v), "\n";
}
close STDOUT;

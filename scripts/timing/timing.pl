# Times Perl regexes on attack strings of growing size.
#
#   perl scripts/timing/timing.pl CASES
#
# The case file is the one of Timing.java (id, mode, flags, pattern, suffix,
# then prefix/pump pairs, text fields as UTF-16 code units in hex). A match
# cannot be interrupted inside perl: the driver (confirm.py) kills the process
# after its timeout, and the lines printed so far are the data.
use strict;
use warnings;
use Time::HiRes qw(time);
$| = 1;
my ($LIMIT_MS, $MAX_LEN) = (300, 2_000_000);

sub unhex {
    my ($h) = @_;
    my @u = map { hex } ($h =~ /(....)/g);
    my $s = '';
    for (my $i = 0; $i < @u; $i++) {
        my $c = $u[$i];
        if ($c >= 0xD800 && $c < 0xDC00 && $i + 1 < @u && $u[$i + 1] >= 0xDC00 && $u[$i + 1] < 0xE000) {
            $c = 0x10000 + (($c - 0xD800) << 10) + ($u[++$i] - 0xDC00);
        }
        $s .= chr($c);
    }
    return $s;
}

open(my $fh, '<', $ARGV[0]) or die "$ARGV[0]: $!";
while (my $line = <$fh>) {
    chomp $line;
    next unless length $line;
    my @f = split /\t/, $line, -1;
    my ($id, $mode, $flags) = @f[0 .. 2];
    my $src = unhex($f[3]);
    $src = "^(?:$src)\\z" if $mode eq 'full';
    my $mods = join '', grep { index('imsx', $_) >= 0 } split //, $flags;
    my $re = eval { $mods ? qr/(?$mods)$src/ : qr/$src/ };
    if (!defined $re) {
        my $e = $@; $e =~ s/\s+/ /g;
        print "$id\t-\t-\t-\tcompile error: $e\n";
        next;
    }
    my $suffix = unhex($f[4]);
    my @pumps;
    for (my $i = 5; $i + 1 < @f; $i += 2) { push @pumps, [unhex($f[$i]), unhex($f[$i + 1])] }
    my $k = 1;
    while (1) {
        my $s = join('', map { $_->[0] . ($_->[1] x $k) } @pumps) . $suffix;
        my ($best, $spent, $result) = (1e99, 0, '');
        for (my $rep = 0; $rep < 5 && $spent < 50; $rep++) {
            my $t0 = time;
            $result = ($s =~ $re) ? 'match' : 'no-match';
            my $dt = (time - $t0) * 1000;
            $spent += $dt;
            $best = $dt if $dt < $best;
        }
        printf "%s\t%d\t%d\t%.4f\t%s\n", $id, $k, length($s), $best, $result;
        last if $best > $LIMIT_MS || length($s) > $MAX_LEN;
        $k = $best < 1.0 ? $k * 2 : ($k + 1 > int($k * 5 / 4) ? $k + 1 : int($k * 5 / 4));
    }
}

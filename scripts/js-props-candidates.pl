use Unicode::UCD qw(prop_values prop_value_aliases prop_aliases);
for my $p ("gc", "sc") { for my $v (prop_values($p)) { my @a = prop_value_aliases($p, $v); print "$p\t$_\n" for @a; } }

#!/usr/bin/perl
# Writes a small MaxMind DB for tests: write-mmdb.pl DATABASE_TYPE OUT_FILE < records.json
# records.json: [ { "network": "203.0.113.0/24", "data": { ...GeoLite2-shaped record... } }, ... ]
# Field types follow the real GeoLite2 City / ASN databases so that the geoip2 Java reader decodes them the same way.
use strict;
use warnings;
use JSON::PP;
use MaxMind::DB::Writer::Tree;

my ($type, $out) = @ARGV;
die "usage: write-mmdb.pl DATABASE_TYPE OUT_FILE < records.json\n" unless $type && $out;
my $json = do { local $/; <STDIN> };
my $records = JSON::PP->new->decode($json);

my %types = (
    city => 'map', continent => 'map', country => 'map', registered_country => 'map', location => 'map', names => 'map',
    en => 'utf8_string', code => 'utf8_string', iso_code => 'utf8_string', geoname_id => 'uint32',
    latitude => 'double', longitude => 'double', accuracy_radius => 'uint16', time_zone => 'utf8_string',
    autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string',
);

my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version => 6,
    record_size => 28,
    database_type => $type,
    languages => ['en'],
    description => { en => "btda test $type" },
    # The documentation ranges used by the tests are reserved networks; keep them.
    remove_reserved_networks => 0,
    alias_ipv6_to_ipv4 => 1,
    map_key_type_callback => sub { $types{ $_[0] } // die "no type for key $_[0]\n" },
);
for my $r (@$records) {
    $tree->insert_network($r->{network}, $r->{data});
}
open my $fh, '>:raw', $out or die "cannot write $out: $!\n";
$tree->write_tree($fh);
close $fh or die "cannot close $out: $!\n";

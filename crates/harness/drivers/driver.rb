# redoscope driver for ruby (Onigmo). Run as `ruby -e <this source>` (the
# memory limit is set by the parent, RLIMIT_AS); the protocol is documented
# in crates/harness/src/engines/process.rs. Every string travels as
# comma-separated lowercase hex code points, so nothing in a pattern or an
# input is ever interpreted as code or protocol.
$VERBOSE = nil
$stdout.sync = true
$stdin.binmode
$stdout.binmode

HEX = /\A[0-9a-f]{1,6}\z/

# Code points to a UTF-8 string; a lone surrogate becomes its 3-byte form
# (the string is then not valid UTF-8, and matching it fails).
def dec(h)
  return String.new('', encoding: Encoding::UTF_8) if h.nil? || h.empty?
  cps = h.split(',', -1).map do |p|
    raise ArgumentError, 'bad code point' unless HEX.match?(p)
    c = p.to_i(16)
    raise ArgumentError, 'code point out of range' if c > 0x10FFFF
    c
  end
  cps.pack('U*').force_encoding(Encoding::UTF_8)
end

# A string to code points, decoding the bytes by hand where the string is
# not valid UTF-8 (lone surrogates).
def enc(s)
  s = s.dup.force_encoding(Encoding::UTF_8)
  return s.unpack('U*').map { |c| c.to_s(16) }.join(',') if s.valid_encoding?
  b = s.bytes
  out = []
  i = 0
  while i < b.length
    x = b[i]
    n, c = if x < 0x80 then [1, x]
           elsif x >= 0xF0 then [4, x & 0x07]
           elsif x >= 0xE0 then [3, x & 0x0F]
           elsif x >= 0xC0 then [2, x & 0x1F]
           else [1, x]
           end
    (1...n).each { |k| c = (c << 6) | ((b[i + k] || 0) & 0x3F) }
    out << c.to_s(16)
    i += n
  end
  out.join(',')
end

def say(line)
  $stdout.write(line, "\n")
end

def now
  Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond)
end

re = nil
say("ready\t#{RUBY_VERSION}")
while (line = $stdin.gets)
  a = line.chomp("\n").split("\t", -1)
  case a[0]
  when 'compile'
    re = nil
    begin
      mode, letters = a[1], a[2].to_s
      p = dec(a[3])
      opts = 0
      letters.each_char do |c|
        case c
        when 'i' then opts |= Regexp::IGNORECASE
        when 'm' then opts |= Regexp::MULTILINE
        when 'x' then opts |= Regexp::EXTENDED
        when 'o', 'u', 'e', 'n' then nil
        else raise ArgumentError, "unknown flag #{c}"
        end
      end
      # The pattern alone first, so that wrapping it cannot turn an invalid
      # pattern into a valid one with another meaning.
      alone = Regexp.new(p, opts)
      shown = p
      case mode
      when 'search'
        re = alone
      when 'full', 'prefix'
        tail = mode == 'full' ? '\z' : ''
        begin
          shown = '\A(?:' + p + ')' + tail
          re = Regexp.new(shown, opts)
        rescue RegexpError
          # A trailing `#` comment (extended mode) swallowed the wrapper.
          shown = '\A(?:' + p + "\n)" + tail
          re = Regexp.new(shown, opts)
        end
      else
        raise ArgumentError, "bad mode #{mode}"
      end
      say("ok\t" + enc(shown))
    rescue StandardError, SystemStackError, NoMemoryError => e
      re = nil
      say("error\t" + enc(e.message))
    end
  when 'run'
    if re.nil?
      say("fail\t" + enc('no pattern compiled'))
      next
    end
    begin
      s = dec(a[2])
    rescue StandardError => e
      say("fail\t" + enc(e.message))
      next
    end
    say('start')
    t0 = now
    begin
      m = re.match?(s)
    rescue NoMemoryError, SystemStackError
      say("limit\tmemory\t#{now - t0}")
      next
    rescue StandardError => e
      say("fail\t" + enc(e.message))
      next
    end
    ns = now - t0
    say("done\t#{m ? 1 : 0}\t#{ns}")
  when 'echo'
    begin
      say("echo\t" + enc(dec(a[1])) + "\t" + enc(dec(a[2])))
    rescue StandardError => e
      say("fail\t" + enc(e.message))
    end
  else
    say("fail\t" + enc('unknown command'))
  end
end

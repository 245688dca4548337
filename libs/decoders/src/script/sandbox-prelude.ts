/**
 * The JavaScript the sandbox runs before a codec: it returns the one entry point the host calls, a closure over the
 * JSON functions as they were before the codec could replace them. Everything that touches the codec's values (its
 * output, its exceptions, their getters and toString) happens in here, under the sandbox's time and memory limits,
 * and comes out as one string: "O" + output JSON, "F" + why the codec failed, "I" + why its output is unusable
 * (a letter, not a control character: the FFI copies strings out as C strings, which end at the first NUL).
 *
 * Downlinks (direction 'down'): encodeDownlink(input) → { bytes, fPort, warnings?, errors? }, the same convention.
 *
 * Codec conventions, newest first: decodeUplink(input) (TTS v3, ChirpStack v4), Decode(fPort, bytes, variables)
 * (ChirpStack v3), Decoder(bytes, port) (TTN v2); the older two return the data object itself.
 */
export function sandboxPrelude(maxOutputChars: number): string {
  return `(function () {
  var parse = JSON.parse, stringify = JSON.stringify, DateCtor = Date, ErrorCtor = Error, StringCtor = String;
  function describe(e) {
    try {
      if (e instanceof ErrorCtor) return StringCtor(e.name) + ': ' + StringCtor(e.message);
      var text = stringify(e);
      return 'threw ' + (text === undefined ? typeof e : text);
    } catch (inner) {
      return 'threw a value that cannot be described';
    }
  }
  return function (json, direction) {
    var input = parse(json);
    var output, entry = direction === 'down' ? 'encodeDownlink' : 'decodeUplink';
    try {
      if (direction === 'down') {
        if (typeof encodeDownlink !== 'function') return 'Fthe codec defines no encodeDownlink(input): it cannot send commands';
        output = encodeDownlink(input);
      } else {
        input.recvTime = new DateCtor(input.recvTime);
        if (typeof decodeUplink === 'function') output = decodeUplink(input);
        else if (typeof Decode === 'function') output = { data: Decode(input.fPort, input.bytes, input.variables) };
        else output = { data: Decoder(input.bytes, input.fPort) };
      }
    } catch (e) {
      return 'F' + describe(e).slice(0, 500);
    }
    var text;
    try {
      text = stringify(output);
    } catch (e) {
      return 'Ithe output cannot be turned into JSON (' + describe(e).slice(0, 200) + ')';
    }
    if (text === undefined) return 'I' + entry + ' returned ' + typeof output + ', not an object';
    if (text.length > ${maxOutputChars}) return 'Ithe output is ' + text.length + ' characters of JSON; at most ${maxOutputChars}';
    return 'O' + text;
  };
})()`;
}

/** Which codec entry point the source defines; checked once, when the script is compiled. */
export const ENTRY_POINT_CHECK = "typeof decodeUplink === 'function' || typeof Decode === 'function' || typeof Decoder === 'function'";

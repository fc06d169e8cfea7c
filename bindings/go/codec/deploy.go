package codec

import "sort"

// Template section kinds (codec.md §6.3). Kinds below SectionOptionalBase are
// must-understand; kinds from 0x8000 up are optional and kept as RawSections.
const (
	// SectionCode is the code section (required).
	SectionCode uint16 = 1
	// SectionData is the fixed data layout section (required).
	SectionData uint16 = 2
	// SectionCtors is the constructor names section (required).
	SectionCtors uint16 = 3
	// SectionAPI is the API description section, a UTF-8 string (optional).
	SectionAPI uint16 = 4
	// SectionHeader is the header section: code version, name, description (optional).
	SectionHeader uint16 = 5
	// SectionOptionalBase is the first optional (skippable) section kind.
	SectionOptionalBase uint16 = 0x8000
)

// CodeKind says what the code of a template is.
type CodeKind uint16

// CodeKindWasm is a WebAssembly binary, the only code kind of version 0.
const CodeKindWasm CodeKind = 1

// CodeFlagExec is the code flag "the code may be executed". Other bits are reserved and
// must be zero.
const CodeFlagExec uint64 = 0x1

// CodeSection is a template's code section.
type CodeSection struct {
	// Kind is what the code is; it must be CodeKindWasm (the zero value is not valid).
	Kind CodeKind
	// Flags holds CodeFlagExec or nothing.
	Flags uint64
	// Code is the code (a wasm module).
	Code []byte
}

// DataSection is a template's fixed storage layout: the byte size of each variable, in
// variable-id order.
type DataSection struct {
	// Vars holds the byte size of each variable (variable i has size Vars[i]).
	Vars []uint32
}

// HeaderSection is a template's descriptive header.
type HeaderSection struct {
	// CodeVersion is the version of the template's code, chosen by its author.
	CodeVersion uint32
	// Name is the template's name.
	Name string
	// Description is the template's description.
	Description string
}

// RawSection is a section of an optional kind (>= 0x8000) that this codec does not
// interpret; it is re-encoded unchanged.
type RawSection struct {
	// Kind is the section kind, >= 0x8000.
	Kind uint16
	// Body is the section body.
	Body []byte
}

// DeployMessage is a deploy message: a template made of typed sections (codec.md §6.3).
// Encoding writes the sections in ascending kind order; decoding requires that order.
type DeployMessage struct {
	// Code is section 1.
	Code CodeSection
	// Data is section 2.
	Data DataSection
	// Ctors is section 3: constructor names, without duplicates.
	Ctors []string
	// API is section 4 (nil when absent).
	API *string
	// Header is section 5 (nil when absent).
	Header *HeaderSection
	// Extra holds optional sections of distinct kinds >= 0x8000 (the encoder sorts them by
	// kind).
	Extra []RawSection
}

// TxType returns TxDeploy.
func (DeployMessage) TxType() TxType { return TxDeploy }

// Encode returns the message's bytes. It panics if there are more than 65535 sections.
func (m DeployMessage) Encode() []byte {
	count := 3 + len(m.Extra)
	if m.API != nil {
		count++
	}
	if m.Header != nil {
		count++
	}
	if count > 0xffff {
		panic("svm codec: more than 65535 template sections")
	}
	out := putHeader(make([]byte, 0, 64+len(m.Code.Code)), KindDeploy)
	out = putU16(out, uint16(count))
	out = putSection(out, SectionCode, func(o []byte) []byte {
		o = putU16(o, uint16(m.Code.Kind))
		o = putU64(o, m.Code.Flags)
		return putBytes(o, m.Code.Code)
	})
	out = putSection(out, SectionData, func(o []byte) []byte {
		o = append(o, 1) // fixed layout
		o = putLen(o, len(m.Data.Vars))
		for _, v := range m.Data.Vars {
			o = putU32(o, v)
		}
		return o
	})
	out = putSection(out, SectionCtors, func(o []byte) []byte {
		o = putLen(o, len(m.Ctors))
		for _, c := range m.Ctors {
			o = putStr(o, c)
		}
		return o
	})
	if m.API != nil {
		out = putSection(out, SectionAPI, func(o []byte) []byte { return putStr(o, *m.API) })
	}
	if h := m.Header; h != nil {
		out = putSection(out, SectionHeader, func(o []byte) []byte {
			o = putU32(o, h.CodeVersion)
			o = putStr(o, h.Name)
			return putStr(o, h.Description)
		})
	}
	extra := append([]RawSection(nil), m.Extra...)
	sort.SliceStable(extra, func(i, j int) bool { return extra[i].Kind < extra[j].Kind })
	for _, s := range extra {
		body := s.Body
		out = putSection(out, s.Kind, func(o []byte) []byte { return append(o, body...) })
	}
	return out
}

// putSection appends kind, a u32 length and the body that body appends.
func putSection(out []byte, kind uint16, body func([]byte) []byte) []byte {
	out = putU16(out, kind)
	lenAt := len(out)
	out = append(out, 0, 0, 0, 0)
	out = body(out)
	var l [4]byte
	putLen(l[:0], len(out)-lenAt-4)
	copy(out[lenAt:], l[:])
	return out
}

// DecodeDeployMessage decodes exactly one deploy message under DefaultLimits.
func DecodeDeployMessage(b []byte) (DeployMessage, error) {
	return DecodeDeployMessageWithLimits(b, nil)
}

// DecodeDeployMessageWithLimits decodes exactly one deploy message under l (nil means
// DefaultLimits).
func DecodeDeployMessageWithLimits(b []byte, l *Limits) (DeployMessage, error) {
	m, err := decodeDeploy(b, orDefault(l))
	return m, asError(err)
}

func decodeDeploy(b []byte, l *Limits) (m DeployMessage, err *DecodeError) {
	err = decodeItem(b, l, KindDeploy, func(r *reader) *DecodeError {
		return m.decodeBody(r)
	})
	if err != nil {
		return DeployMessage{}, err
	}
	return m, nil
}

func (m *DeployMessage) decodeBody(r *reader) *DecodeError {
	countAt := r.offset()
	count, err := r.u16()
	if err != nil {
		return err
	}
	var haveCode, haveData, haveCtors, havePrev bool
	var prev uint16
	for i := 0; i < int(count); i++ {
		at := r.offset()
		kind, err := r.u16()
		if err != nil {
			return err
		}
		if havePrev && kind <= prev {
			return newErr(at, ErrSectionOrder,
				"section kind 0x%04x is not greater than the previous kind 0x%04x", kind, prev)
		}
		havePrev, prev = true, kind
		n, err := r.u32()
		if err != nil {
			return err
		}
		s, err := r.sub(uint64(n))
		if err != nil {
			return err
		}
		switch {
		case kind == SectionCode:
			err = decodeCodeSection(s, &m.Code)
			haveCode = true
		case kind == SectionData:
			err = decodeDataSection(s, &m.Data)
			haveData = true
		case kind == SectionCtors:
			m.Ctors, err = decodeCtorsSection(s)
			haveCtors = true
		case kind == SectionAPI:
			var api string
			api, err = s.strMax("api section", lim(s.lim.MaxAPILen))
			m.API = &api
		case kind == SectionHeader:
			m.Header, err = decodeHeaderSection(s)
		case kind >= SectionOptionalBase:
			var body []byte
			body, err = s.take(uint64(n))
			m.Extra = append(m.Extra, RawSection{Kind: kind, Body: append([]byte{}, body...)})
		default:
			return newErr(at, ErrUnknownSectionKind, "unknown required section kind 0x%04x", kind)
		}
		if err != nil {
			return err
		}
		if err := s.finish(); err != nil {
			return err
		}
	}
	for _, req := range []struct {
		have bool
		name string
	}{{haveCode, "code"}, {haveData, "data"}, {haveCtors, "ctors"}} {
		if !req.have {
			return newErr(countAt, ErrMissingSection, "missing required section %s", req.name)
		}
	}
	return nil
}

func decodeCodeSection(s *reader, c *CodeSection) *DecodeError {
	at := s.offset()
	k, err := s.u16()
	if err != nil {
		return err
	}
	if CodeKind(k) != CodeKindWasm {
		return newErr(at, ErrUnknownCodeKind, "unknown code kind %d", k)
	}
	c.Kind = CodeKindWasm
	at = s.offset()
	if c.Flags, err = s.u64(); err != nil {
		return err
	}
	if c.Flags&^CodeFlagExec != 0 {
		return newErr(at, ErrReservedFlags, "reserved code flag bits set: 0x%016x", c.Flags)
	}
	c.Code, err = s.bytes("code", noLimit)
	return err
}

func decodeDataSection(s *reader, d *DataSection) *DecodeError {
	at := s.offset()
	k, err := s.u8()
	if err != nil {
		return err
	}
	if k != 1 {
		return newErr(at, ErrUnknownLayoutKind, "unknown data layout kind %d", k)
	}
	n, err := s.count("variable count", lim(s.lim.MaxVars), 4)
	if err != nil {
		return err
	}
	d.Vars = make([]uint32, n)
	for i := range d.Vars {
		if d.Vars[i], err = s.u32(); err != nil {
			return err
		}
	}
	return nil
}

func decodeCtorsSection(s *reader) ([]string, *DecodeError) {
	n, err := s.count("constructor count", lim(s.lim.MaxCtors), 4)
	if err != nil {
		return nil, err
	}
	ctors := make([]string, 0, n)
	seen := make(map[string]struct{}, n)
	for i := 0; i < n; i++ {
		at := s.offset()
		c, err := s.str("constructor name")
		if err != nil {
			return nil, err
		}
		if _, dup := seen[c]; dup {
			return nil, errNonCanonical(at, "constructor list (duplicate name)")
		}
		seen[c] = struct{}{}
		ctors = append(ctors, c)
	}
	return ctors, nil
}

func decodeHeaderSection(s *reader) (*HeaderSection, *DecodeError) {
	var h HeaderSection
	var err *DecodeError
	if h.CodeVersion, err = s.u32(); err != nil {
		return nil, err
	}
	if h.Name, err = s.str("template name"); err != nil {
		return nil, err
	}
	if h.Description, err = s.str("template description"); err != nil {
		return nil, err
	}
	return &h, nil
}

package applications

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"portal/internal/tokens"
)

// Attachment states: a record is pending while its file is being written,
// and stored once the file is complete.
const (
	AttachmentPending = "pending"
	AttachmentStored  = "stored"
)

// Attachment is a file an applicant uploaded.
type Attachment struct {
	ID          string    `json:"id"` // random; part of the object key, so not guessable
	Owner       string    `json:"-"`  // account id
	AdRef       string    `json:"ad_ref"`
	Name        string    `json:"name"` // as the applicant sees it
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Key         string    `json:"-"` // object key in the bucket
	State       string    `json:"-"`
	CreatedAt   time.Time `json:"uploaded_at,omitzero"`
	// Application is the application whose working copy has the file, and
	// Slot its place there (1 to MaxFiles); both are empty once the file
	// is taken off, when a submitted version still names it.
	Application string `json:"-"`
	Slot        int    `json:"-"`
}

// ErrSlotTaken is returned when an application already has a file in the
// slot a new record asks for.
var ErrSlotTaken = errors.New("applications: attachment slot taken")

// AttachmentStore keeps attachment records. A record names the application
// it belongs to and its slot there, and no two records can hold one slot:
// that is what keeps the number of files on an application within
// MaxFiles even when uploads arrive together, on servers that make only
// inserts atomic.
type AttachmentStore interface {
	// InsertAttachment stores a new record, or returns ErrSlotTaken.
	InsertAttachment(ctx context.Context, a Attachment) error
	MarkStored(ctx context.Context, id, sha string) error
	Attachment(ctx context.Context, id string) (Attachment, error) // ErrNotFound
	// AttachmentsOf returns the records on an application, pending ones
	// too, in upload order.
	AttachmentsOf(ctx context.Context, application string) ([]Attachment, error)
	// Detach takes a record off its application and frees its slot; the
	// file stays.
	Detach(ctx context.Context, id string) error
	DeleteAttachment(ctx context.Context, id string) error
	// StalePending lists pending records created before cutoff.
	StalePending(ctx context.Context, cutoff time.Time) ([]Attachment, error)
	// HasKey reports whether any record names the object key.
	HasKey(ctx context.Context, key string) (bool, error)
	// StoredBefore calls fn with the stored records created before
	// cutoff, a batch at a time; fn may delete records of its batch.
	StoredBefore(ctx context.Context, cutoff time.Time, fn func([]Attachment) error) error
	// Unreferenced returns those of ids that neither the working copy of
	// an application nor any submitted version names.
	Unreferenced(ctx context.Context, ids []string) ([]string, error)
	// OwnedBy lists every record of an owner, in any state.
	OwnedBy(ctx context.Context, owner string) ([]Attachment, error)
}

// Blobs keeps file contents.
type Blobs interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	Get(ctx context.Context, key string) (io.ReadCloser, error) // a missing object is ErrNotFound
	// Stat checks that the object is there without opening it; a missing
	// one is ErrNotFound.
	Stat(ctx context.Context, key string) error
	Remove(ctx context.Context, key string) error
	// Changed calls fn for every object key under prefix last changed in
	// [from, to).
	Changed(ctx context.Context, prefix string, from, to time.Time, fn func(key string) error) error
}

// Files stores attachments: a record and an object that exist together or
// not at all.
type Files struct {
	Store AttachmentStore
	Blobs Blobs
	Now   func() time.Time
}

const attachmentPrefix = "attachments/"

// Save streams a checked file of an application to storage with its known
// size, hashing it on the way. If either write fails, the other is undone.
// A file beyond the application's MaxFiles or MaxTotalSize is refused with
// a *FileError naming it.
func (f *Files) Save(ctx context.Context, owner, adRef, application string, c CheckedFile, r io.Reader, size int64) (Attachment, error) {
	id := tokens.New(16) // 128 random bits
	a := Attachment{ID: id, Owner: owner, AdRef: adRef, Name: c.Name, ContentType: c.ContentType, Size: size,
		Key: attachmentPrefix + id, State: AttachmentPending, CreatedAt: f.Now(), Application: application}
	if err := f.reserve(ctx, &a); err != nil {
		return Attachment{}, err
	}
	h := sha256.New()
	if err := f.Blobs.Put(ctx, a.Key, io.TeeReader(r, h), size, c.ContentType); err != nil {
		f.undo(a)
		return Attachment{}, err
	}
	a.SHA256, a.State = hex.EncodeToString(h.Sum(nil)), AttachmentStored
	if err := f.Store.MarkStored(ctx, id, a.SHA256); err != nil {
		f.undo(a)
		return Attachment{}, err
	}
	return a, nil
}

// reserve inserts the pending record in the first free slot of its
// application. Files being uploaded count as much as stored ones, so
// uploads arriving together cannot pass the caps between them: each takes
// a slot of its own, and each adds its bytes before it counts them all.
// Near the byte cap two such uploads may both be refused; none is let
// through beyond it.
func (f *Files) reserve(ctx context.Context, a *Attachment) error {
	refuse := func(key string) error { return &FileError{Name: a.Name, Key: key} }
	on, err := f.Store.AttachmentsOf(ctx, a.Application)
	if err != nil {
		return err
	}
	used := map[int]bool{}
	total := a.Size
	for _, o := range on {
		used[o.Slot] = true
		total += o.Size
	}
	if total > MaxTotalSize {
		return refuse("file.error.total_size")
	}
	for slot := 1; slot <= MaxFiles; slot++ {
		if used[slot] {
			continue
		}
		a.Slot = slot
		err := f.Store.InsertAttachment(ctx, *a)
		if errors.Is(err, ErrSlotTaken) {
			continue // another upload took it a moment ago
		}
		if err != nil {
			return err
		}
		if on, err = f.Store.AttachmentsOf(ctx, a.Application); err != nil {
			f.undo(*a)
			return err
		}
		total = 0
		for _, o := range on {
			total += o.Size
		}
		if total > MaxTotalSize {
			f.undo(*a)
			return refuse("file.error.total_size")
		}
		return nil
	}
	return refuse("file.error.max_files")
}

// undo removes both halves of a failed save; what it cannot remove now,
// the sweep removes later.
func (f *Files) undo(a Attachment) {
	step := func(do func(ctx context.Context) error) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return do(ctx)
	}
	// The record first: a bucket that hangs must not leave the failed file
	// holding a slot and its bytes, nor keep the applicant waiting. The
	// object goes on its own time; one left behind is named by no record,
	// and the sweep removes it.
	_ = step(func(ctx context.Context) error { return f.Store.DeleteAttachment(ctx, a.ID) })
	go func() { _ = step(func(ctx context.Context) error { return f.Blobs.Remove(ctx, a.Key) }) }()
}

// Open returns a stored attachment of owner for download. Another
// applicant's id answers ErrNotFound, as does an unknown one.
func (f *Files) Open(ctx context.Context, owner, id string) (Attachment, io.ReadCloser, error) {
	a, err := f.Store.Attachment(ctx, id)
	if err != nil {
		return Attachment{}, nil, err
	}
	if a.Owner != owner || a.State != AttachmentStored {
		return Attachment{}, nil, ErrNotFound
	}
	rc, err := f.Blobs.Get(ctx, a.Key)
	if err != nil {
		return Attachment{}, nil, err
	}
	return a, rc, nil
}

// Stat checks that a stored attachment of owner can be opened, without
// opening it. A missing record or object answers ErrNotFound; any other
// error means the storage does not answer.
func (f *Files) Stat(ctx context.Context, owner, id string) (Attachment, error) {
	a, err := f.Store.Attachment(ctx, id)
	if err != nil {
		return Attachment{}, err
	}
	if a.Owner != owner || a.State != AttachmentStored {
		return Attachment{}, ErrNotFound
	}
	return a, f.Blobs.Stat(ctx, a.Key)
}

// Remove deletes an attachment of owner.
func (f *Files) Remove(ctx context.Context, owner, id string) error {
	a, err := f.Store.Attachment(ctx, id)
	if err != nil {
		return err
	}
	if a.Owner != owner {
		return ErrNotFound
	}
	return f.discard(ctx, a)
}

// Swept counts what a sweep removed.
type Swept struct {
	Pending  int // records of saves that never finished, with their objects
	Unlinked int // stored files on no application, with their objects
	Objects  int // objects that no record names
}

// Sweep removes what interrupted work left behind, once older than age:
// pending records of failed saves with their objects; stored files that no
// application names (an upload cut short before its application was saved,
// a removal or an account deletion cut short half-way); and objects that
// no record names. The age keeps a file that was just uploaded, and is
// about to be put on its application, out of reach. Objects are looked at
// only in the week after they come of age: the sweep runs hourly, so older
// orphans are gone already, and the whole bucket is not listed each time.
func (f *Files) Sweep(ctx context.Context, age time.Duration) (Swept, error) {
	var n Swept
	cutoff := f.Now().Add(-age)
	stale, err := f.Store.StalePending(ctx, cutoff)
	if err != nil {
		return n, err
	}
	for _, a := range stale {
		if err := f.discard(ctx, a); err != nil {
			return n, err
		}
		n.Pending++
	}
	err = f.Store.StoredBefore(ctx, cutoff, func(batch []Attachment) error {
		ids := make([]string, len(batch))
		for i, a := range batch {
			ids[i] = a.ID
		}
		loose, err := f.Store.Unreferenced(ctx, ids)
		if err != nil {
			return err
		}
		unlinked := make(map[string]bool, len(loose))
		for _, id := range loose {
			unlinked[id] = true
		}
		for _, a := range batch {
			if !unlinked[a.ID] {
				continue
			}
			if err := f.discard(ctx, a); err != nil {
				return err
			}
			n.Unlinked++
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("applications: sweep unlinked files: %w", err)
	}
	err = f.Blobs.Changed(ctx, attachmentPrefix, cutoff.Add(-7*24*time.Hour), cutoff, func(key string) error {
		known, err := f.Store.HasKey(ctx, key)
		if err != nil || known {
			return err
		}
		n.Objects++
		return f.Blobs.Remove(ctx, key)
	})
	if err != nil {
		return n, fmt.Errorf("applications: sweep objects: %w", err)
	}
	return n, nil
}

// discard removes an attachment's object, then its record: a failure
// between the two leaves a record, which a later try or the sweep finds
// again, never an object that nothing names.
func (f *Files) discard(ctx context.Context, a Attachment) error {
	if err := f.Blobs.Remove(ctx, a.Key); err != nil {
		return err
	}
	return f.Store.DeleteAttachment(ctx, a.ID)
}

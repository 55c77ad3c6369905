package storage

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"portal/applications"
)

// BlobConfig is how to reach the S3 server.
type BlobConfig struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	Region    string
	TLS       bool
}

// Blobs stores files in one S3 bucket.
type Blobs struct {
	client *minio.Client
	bucket string
}

// OpenBlobs connects to the S3 server and creates the bucket when missing.
func OpenBlobs(ctx context.Context, cfg BlobConfig) (*Blobs, error) {
	transport, err := minio.DefaultTransport(cfg.TLS)
	if err != nil {
		return nil, fmt.Errorf("storage: s3 transport: %w", err)
	}
	// Every call also has the deadline of its context; these bound what a
	// server that hangs can hold when the context has none.
	transport.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	transport.TLSHandshakeTimeout = 5 * time.Second
	transport.ResponseHeaderTimeout = 30 * time.Second
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:     credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:    cfg.TLS,
		Region:    cfg.Region,
		Transport: transport,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: s3 client: %w", err)
	}
	b := &Blobs{client: client, bucket: cfg.Bucket}
	exists, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("storage: bucket %s: %w", cfg.Bucket, err)
	}
	if !exists {
		err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
		if err != nil {
			// Another instance may have made it meanwhile.
			if ok, err2 := client.BucketExists(ctx, cfg.Bucket); err2 != nil || !ok {
				return nil, fmt.Errorf("storage: make bucket %s: %w", cfg.Bucket, err)
			}
		}
	}
	return b, nil
}

// Ping checks that the bucket is reachable.
func (b *Blobs) Ping(ctx context.Context) error {
	ok, err := b.client.BucketExists(ctx, b.bucket)
	if err != nil {
		return fmt.Errorf("storage: s3 ping: %w", err)
	}
	if !ok {
		return fmt.Errorf("storage: bucket %s is gone", b.bucket)
	}
	return nil
}

// Put streams size bytes from r under key in one pass. The size must be
// known: with an unknown size the client buffers large parts in memory. The
// payload is not hashed for the request signature (that would mean reading
// it twice, or holding it): the caller keeps its own SHA-256 of the content,
// and in production TLS protects the transfer.
func (b *Blobs) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	_, err := b.client.PutObject(ctx, b.bucket, key, r, size, minio.PutObjectOptions{ContentType: contentType, DisableContentSha256: true})
	if err != nil {
		return fmt.Errorf("storage: put %s: %w", key, err)
	}
	return nil
}

// Get opens the object under key; a missing one is applications.ErrNotFound.
func (b *Blobs) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	obj, err := b.client.GetObject(ctx, b.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, blobError("get", key, err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, blobError("get", key, err)
	}
	return obj, nil
}

// Stat checks that the object under key is there, without opening it; a
// missing one is applications.ErrNotFound.
func (b *Blobs) Stat(ctx context.Context, key string) error {
	if _, err := b.client.StatObject(ctx, b.bucket, key, minio.StatObjectOptions{}); err != nil {
		return blobError("stat", key, err)
	}
	return nil
}

// blobError wraps an S3 error, telling a missing object from a server
// that does not answer.
func blobError(op, key string, err error) error {
	if minio.ToErrorResponse(err).Code == "NoSuchKey" {
		err = applications.ErrNotFound
	}
	return fmt.Errorf("storage: %s %s: %w", op, key, err)
}

// Remove deletes the object under key.
func (b *Blobs) Remove(ctx context.Context, key string) error {
	if err := b.client.RemoveObject(ctx, b.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("storage: remove %s: %w", key, err)
	}
	return nil
}

// Changed calls fn for every object under prefix last changed in [from, to).
func (b *Blobs) Changed(ctx context.Context, prefix string, from, to time.Time, fn func(key string) error) error {
	for obj := range b.client.ListObjects(ctx, b.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return fmt.Errorf("storage: list %s: %w", prefix, obj.Err)
		}
		if !obj.LastModified.Before(from) && obj.LastModified.Before(to) {
			if err := fn(obj.Key); err != nil {
				return err
			}
		}
	}
	return nil
}

// Destroy removes every object, every version of it, and the bucket
// itself; tests use it.
func (b *Blobs) Destroy(ctx context.Context) error {
	objs := b.client.ListObjects(ctx, b.bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true})
	for res := range b.client.RemoveObjectsWithResult(ctx, b.bucket, objs, minio.RemoveObjectsOptions{}) {
		if res.Err != nil {
			return res.Err
		}
	}
	return b.client.RemoveBucket(ctx, b.bucket)
}

// EnableVersioning turns on the bucket's versioning, so that an object
// written again or removed keeps its earlier versions; the culling removes
// every version.
func (b *Blobs) EnableVersioning(ctx context.Context) error {
	if err := b.client.EnableVersioning(ctx, b.bucket); err != nil {
		return fmt.Errorf("storage: versioning of %s: %w", b.bucket, err)
	}
	return nil
}

// Versions counts the versions kept of the object under key, delete
// markers included.
func (b *Blobs) Versions(ctx context.Context, key string) (int, error) {
	n := 0
	for obj := range b.client.ListObjects(ctx, b.bucket, listVersions(key)) {
		if obj.Err != nil {
			return n, fmt.Errorf("storage: list versions of %s: %w", key, obj.Err)
		}
		if obj.Key == key {
			n++
		}
	}
	return n, nil
}

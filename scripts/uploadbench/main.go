// Command uploadbench loads a running portal with ten concurrent batches of
// five 5 MB attachments and compares the throughput with writing the same
// bytes straight to the S3 server; it prints the portal's memory at idle and
// its peak. make bench runs it.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

var csrf = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func main() {
	base := flag.String("url", "http://127.0.0.1:8099", "portal address")
	pid := flag.Int("pid", 0, "portal process id, for memory figures")
	ad := flag.String("ad", "", "reference number of an open ad")
	pdfPath := flag.String("pdf", "applications/testdata/brev.pdf", "a real PDF to pad to 5 MB")
	batches := flag.Int("batches", 10, "concurrent batches")
	flag.Parse()

	pdf, err := os.ReadFile(*pdfPath)
	if err != nil {
		log.Fatal(err)
	}
	file := append(pdf, bytes.Repeat([]byte(" "), 5*1024*1024-len(pdf))...)

	// One applicant per batch, each with an application to the ad.
	type applicant struct {
		client *http.Client
		upload string
	}
	var apps []applicant
	for i := range *batches {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Timeout: 5 * time.Minute}
		email := fmt.Sprintf("bench%d.%d@example.se", i, time.Now().UnixNano())
		password := "en lång mening för mätningen " + strconv.Itoa(i)
		if _, err := postForm(c, *base+"/konto/ny", url.Values{"email": {email}, "password": {password}, "consent": {"1"}}); err != nil {
			log.Fatal(err)
		}
		if _, err := postForm(c, *base+"/logga-in", url.Values{"email": {email}, "password": {password}}); err != nil {
			log.Fatal(err)
		}
		res, err := postForm(c, *base+"/jobb/"+*ad+"/ansok", url.Values{}) // "Starta ansökan"
		if err != nil {
			log.Fatal(err)
		}
		page := strings.TrimSuffix(res.Request.URL.Path, "/fragor") + "/bilagor"
		apps = append(apps, applicant{c, *base + page})
	}

	idle := rss(*pid, "VmRSS")
	total := int64(*batches) * 5 * int64(len(file))
	start := time.Now()
	var wg sync.WaitGroup
	for i, a := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := upload(a.client, a.upload, file, i); err != nil {
				log.Fatal(err)
			}
		}()
	}
	wg.Wait()
	portal := time.Since(start)
	peak := rss(*pid, "VmHWM")

	s3, err := minio.New(os.Getenv("PORTAL_S3_ENDPOINT"), &minio.Options{
		Creds: credentials.NewStaticV4(os.Getenv("PORTAL_S3_ACCESS_KEY"), os.Getenv("PORTAL_S3_SECRET_KEY"), ""),
	})
	if err != nil {
		log.Fatal(err)
	}
	start = time.Now()
	for i := range *batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 5 {
				_, err := s3.PutObject(context.Background(), "portal", fmt.Sprintf("bench/%d-%d", i, j), bytes.NewReader(file), int64(len(file)), minio.PutObjectOptions{})
				if err != nil {
					log.Fatal(err)
				}
			}
		}()
	}
	wg.Wait()
	direct := time.Since(start)

	mb := float64(total) / (1024 * 1024)
	fmt.Printf("%d batches of 5 files of 5 MB (%.0f MB), concurrently:\n", *batches, mb)
	fmt.Printf("  through the portal   %6.1f MB/s  (%v)\n", mb/portal.Seconds(), portal.Round(time.Millisecond))
	fmt.Printf("  straight to S3       %6.1f MB/s  (%v)\n", mb/direct.Seconds(), direct.Round(time.Millisecond))
	fmt.Printf("  ratio                %6.2f\n", direct.Seconds()/portal.Seconds())
	if *pid > 0 {
		fmt.Printf("  portal memory: idle %d MB, peak %d MB, growth %d MB\n", idle>>10, peak>>10, (peak-idle)>>10)
	}
}

func postForm(c *http.Client, page string, form url.Values) (*http.Response, error) {
	res, err := c.Get(page)
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrf.FindSubmatch(b)
	if m == nil {
		return nil, fmt.Errorf("no form on %s", page)
	}
	form.Set("_csrf", string(m[1]))
	res, err = c.PostForm(page, form)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	return res, nil
}

// upload sends five files in one multipart request of declared length,
// read from a temporary file so the client holds no copy in memory.
func upload(c *http.Client, page string, file []byte, n int) error {
	res, err := c.Get(page)
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrf.FindSubmatch(b)
	if m == nil {
		return fmt.Errorf("no form on %s", page)
	}
	tmp, err := os.CreateTemp("", "uploadbench-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	w := multipart.NewWriter(tmp)
	_ = w.WriteField("_csrf", string(m[1]))
	for i := range 5 {
		fw, err := w.CreateFormFile("files", fmt.Sprintf("bilaga-%d-%d.pdf", n, i))
		if err != nil {
			return err
		}
		if _, err := fw.Write(file); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	size, _ := tmp.Seek(0, io.SeekCurrent)
	_, _ = tmp.Seek(0, io.SeekStart)
	req, _ := http.NewRequest(http.MethodPost, page, tmp)
	req.ContentLength = size
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, err = c.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Contains(body, []byte(fmt.Sprintf("bilaga-%d-4.pdf", n))) {
		return fmt.Errorf("upload %d: status %d: %.300s", n, res.StatusCode, body)
	}
	return nil
}

// rss reads a memory figure of a process in kB.
func rss(pid int, field string) int64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			n, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return n
		}
	}
	return 0
}

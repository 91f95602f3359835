CREATE TABLE "staff_categories" (
	"staff_id" integer NOT NULL,
	"category" "request_category" NOT NULL,
	CONSTRAINT "staff_categories_staff_id_category_pk" PRIMARY KEY("staff_id","category")
);
--> statement-breakpoint
ALTER TABLE "staff_categories" ADD CONSTRAINT "staff_categories_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;